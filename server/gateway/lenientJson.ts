/**
 * What ARM's JSON reader (Json.NET) accepts beyond strict JSON, in request bodies: property
 * names without quotes and `//` or block comments. The Azure CLI relies on it: `az deployment
 * group create` sends `..., template:{...}}}` with the template file's text as it is (comments
 * included). Used only when strict parsing fails, so strict JSON is never read differently.
 */
export function relaxedJsonText(text: string): string {
  let out = '';
  let last = ''; // the last significant character written outside strings
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
      last = '"';
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else if (/[A-Za-z_$]/.test(c) && (last === '{' || last === ',')) {
      let j = i;
      while (j < text.length && /[\w$]/.test(text[j])) j++;
      const name = text.slice(i, j);
      const after = /^\s*:/.test(text.slice(j, j + 64));
      out += after ? JSON.stringify(name) : name;
      i = j - 1;
      last = after ? '"' : c;
    } else {
      out += c;
      if (!/\s/.test(c)) last = c;
    }
  }
  return out;
}
