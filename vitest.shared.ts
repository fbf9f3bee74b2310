// Shared settings for every package's vitest project: resolve @squint/* packages to their
// TypeScript sources (the "@squint/source" export condition) so tests never need a build.
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

export function squintProject(name: string, extra: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions: ['@squint/source'] },
    environments: { ssr: { resolve: { conditions: ['@squint/source'] } } },
    test: { name, include: ['src/**/*.test.ts'], testTimeout: 60_000, ...extra },
  });
}
