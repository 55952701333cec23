/**
 * Splits a command line into argv the way a POSIX shell splits words (spaces, '…',
 * "…", backslash), and nothing more: no variables, globs, pipes or `;`. Commands run
 * without a shell, so input never becomes shell code; a line that needs shell syntax
 * is refused rather than silently mis-run.
 */
export function splitArgv(line: string): string[] | string {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return 'an unterminated single quote';
      current += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && /["\\$`]/.test(line[j + 1] ?? '')) j++;
        else if (line[j] === '$' || line[j] === '`')
          return `shell expansion (${line[j]}) inside double quotes, which is not supported`;
        current += line[j];
      }
      if (j >= line.length) return 'an unterminated double quote';
      i = j;
      inWord = true;
    } else if (c === '\\') {
      current += line[i + 1] ?? '';
      i++;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else if (/[|&;<>()$`*?]/.test(c)) {
      return `the shell character "${c}", which is not supported (commands run without a shell; wrap shell logic in a script file)`;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) args.push(current);
  if (args.length === 0) return 'an empty command';
  return args;
}
