import { primgradVitestConfig } from '@primgrad/vitest-config';

// Some tests start the app in a child process, which takes seconds while turbo builds and
// tests other packages on the same cores.
export default primgradVitestConfig({ testTimeout: 60_000 });
