// `npm start`: until the reference server exists, a short demo of what the packages already do.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nguon = (...args) => {
  process.stdout.write(`\n$ nguon ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, ['packages/cli/dist/bin.js', ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
};

const build = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@nguon/cli...'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
nguon('--help');
