import { primgradVitestConfig } from '@primgrad/vitest-config';

export default primgradVitestConfig();
