// Mutation testing of the Fastify adapter's source: `pnpm test:mutation`.
import { mutationConfig } from '../../scripts/mutation-config.mjs';

export default mutationConfig(['src/plugin.ts', 'src/plugin-options.ts', 'src/require-login.ts']);
