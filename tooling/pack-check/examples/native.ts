import { loadNativeAddon } from '@ecamp/native';

const r = loadNativeAddon({ threads: 2 });
if (r.ok) console.log(`OpenBLAS ${r.info.blasCore}, ${r.info.threads} threads`);
else console.log(`no native kernels: ${r.reason}`); // e.g. "the native build failed: OpenBLAS not found …"
