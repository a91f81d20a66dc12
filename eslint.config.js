export { default } from './tooling/eslint-config/index.js';
