export { createNodeRuntime, type NodeRuntime, type NodeRuntimeOptions } from './node-runtime';
export { loadImage, DEFAULT_PIXEL_LIMIT, type ImageInput, type LoadImageOptions } from './load-image';
export { encodeImage, saveImage, type ImageFormat, type EncodeImageOptions } from './encode-image';
export { listImages, IMAGE_EXTENSIONS, type ListImagesOptions } from './list-images';
export { saveGallery, loadGallery, type GalleryExpectation } from './gallery-file';
