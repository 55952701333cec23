import { deployActionSpec } from '../../providers/deploy-action.js';
import { render } from '../../providers/render/index.js';

export const spec = deployActionSpec(
  render,
  "Deploy a Render service through Render's API: records the live deploy, triggers a deploy of the commit (or image), follows it through build, pre-deploy and update to live, and reports the log tail when it fails. Records what was live before, for rollback-on-failure.",
);
