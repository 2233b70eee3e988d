/** `arclight agent`: the standalone cluster agent (see the agent issue). */
export async function runAgentCommand(_argv: string[]): Promise<number> {
  process.stderr.write('arclight agent: not available yet\n');
  return 2;
}
