declare const preset: Record<string, unknown>;
export default preset;
export { preset };
