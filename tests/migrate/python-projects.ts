/**
 * Small alembic and Django projects for the migrate tests, using the env.py and settings.py
 * snippets from actions/migrate/README.md as they are written there (so the documented
 * snippets are the tested ones), and a bin folder with `alembic` and `python` that run
 * Debian's python3 with its python3-alembic / python3-django / python3-psycopg2 — the
 * tests' PATH is only that folder, whatever else the machine has.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../harness/runner.js';

const PYTHON = '/usr/bin/python3';

export function snippet(title: string): string {
  const readme = readFileSync(path.join(ROOT, 'actions/migrate/README.md'), 'utf8');
  const at = readme.indexOf(`<!-- snippet: ${title}`);
  if (at < 0) throw new Error(`no snippet "${title}" in actions/migrate/README.md`);
  const block = /```python\n([\s\S]*?)```/.exec(readme.slice(at));
  return (block as RegExpExecArray)[1] as string;
}

function write(root: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

/**
 * A PATH of one folder: `alembic` and `python` are Debian's python3 and nothing else; with
 * `squawk`, the project's squawk (and the node it runs on).
 */
export function pythonBin(squawk = false): string {
  const bin = mkdtempSync(path.join(tmpdir(), 'dk-pybin-'));
  if (squawk) {
    symlinkSync(process.execPath, path.join(bin, 'node'));
    symlinkSync(path.join(ROOT, 'node_modules/.bin/squawk'), path.join(bin, 'squawk'));
  }
  const script = (body: string) => `#!/bin/sh\nexec ${PYTHON} ${body} "$@"\n`;
  writeFileSync(path.join(bin, 'alembic'), script('-m alembic'));
  writeFileSync(path.join(bin, 'python'), script(''));
  chmodSync(path.join(bin, 'alembic'), 0o755);
  chmodSync(path.join(bin, 'python'), 0o755);
  return bin;
}

const ALEMBIC_INI = `[alembic]
script_location = migrations

[loggers]
keys = root,alembic
[handlers]
keys = console
[formatters]
keys = generic
[logger_root]
level = WARN
handlers = console
qualname =
[logger_alembic]
level = INFO
handlers =
qualname = alembic
[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic
[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
`;

export function alembicRevision(id: string, down: string | null, doc: string, sql: string): Record<string, string> {
  return {
    [`migrations/versions/${id}.py`]: `"""${doc}"""
from alembic import op

revision = "${id.split('_')[0]}"
down_revision = ${down ? `"${down}"` : 'None'}
branch_labels = None
depends_on = None


def upgrade():
    op.execute(${JSON.stringify(sql)})


def downgrade():
    pass
`,
  };
}

export function alembicProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dk-alembic-'));
  return write(root, {
    'alembic.ini': ALEMBIC_INI,
    'migrations/env.py': snippet('alembic env.py'),
    'migrations/script.py.mako': '',
    ...alembicRevision('0001_users', null, 'users', 'CREATE TABLE users (id int)'),
    ...alembicRevision('0002_posts', '0001', 'posts', 'CREATE TABLE posts (id int)'),
  });
}

export const addFiles = write;

export const djangoMigration = (name: string, dependency: string | null, operation: string) => ({
  [`shop/migrations/${name}.py`]: `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [${dependency ? `("shop", "${dependency}")` : ''}]
    operations = [${operation}]
`,
});

export function djangoProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dk-django-'));
  return write(root, {
    'manage.py': `import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
`,
    'proj/__init__.py': '',
    'proj/settings.py': `SECRET_KEY = "not-a-secret"
INSTALLED_APPS = ["shop"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
${snippet('django settings.py')}`,
    'shop/__init__.py': '',
    'shop/migrations/__init__.py': '',
    ...djangoMigration(
      '0001_initial',
      null,
      'migrations.CreateModel(name="Item", fields=[("id", models.AutoField(primary_key=True)), ("name", models.TextField())])',
    ),
    ...djangoMigration(
      '0002_seed',
      '0001_initial',
      `migrations.RunSQL("INSERT INTO shop_item (name) VALUES ('first')")`,
    ),
    ...djangoMigration('0003_bad', '0002_seed', 'migrations.RunSQL("SELECT no_such_column FROM shop_item")'),
  });
}
