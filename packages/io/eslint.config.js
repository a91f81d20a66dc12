export { default } from '@ecamp/eslint-config';
