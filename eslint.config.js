// ESLint (flat config): typescript-eslint's recommended rules on every TypeScript file, and the React hooks rules on
// the page. `npm run lint` runs it with madge's import-loop check; both must report nothing.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'e2e/artifacts/**', 'bench/results*', 'public/**'] },
  ...tseslint.configs.recommended,
  { files: ['src/ui/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
);
