// Mutation testing of the Passport adapter's source: `pnpm test:mutation`.
import { mutationConfig } from '../../scripts/mutation-config.mjs';

export default mutationConfig([
  'src/strategy.ts',
  'src/strategy-options.ts',
  'src/verify.ts',
  'src/after-login.ts',
  'src/express-request.ts',
]);
