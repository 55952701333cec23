/**
 * Loaded before every test file (jest.config.js setupFilesAfterEnv): after each test, and
 * after the file's last, any request, answer or GraphQL document of a fake GitHub that GitHub's
 * description does not allow fails the test — whichever way the test made its fake, and
 * whatever the kit did with the answer. A test that expects a violation empties
 * `github.violations` itself.
 */
import { afterAll, afterEach } from '@jest/globals';
import { takeViolations } from './live.js';

afterEach(takeViolations);
afterAll(takeViolations);
