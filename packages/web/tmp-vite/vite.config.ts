import { defineConfig, defaultClientConditions } from 'vite';
export default defineConfig({ resolve: { conditions: ['@squint/source', ...defaultClientConditions] }, build: { target: 'es2022' } });
