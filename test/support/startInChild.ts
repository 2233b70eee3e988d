/**
 * `node startInChild.js '<options as JSON>'`: startArclight(options) in a process of its own
 * (see startInChild in ./startup), printing {started} or {started: false, code, message}.
 */
import { startArclight } from '../../server/arclight';

async function run(): Promise<object> {
  try {
    const running = await startArclight({ ...JSON.parse(process.argv[2]), logSink: () => undefined });
    await running.stop();
    return { started: true };
  } catch (err) {
    return { started: false, code: (err as NodeJS.ErrnoException).code, message: (err as Error).message };
  }
}

void run().then((result) => process.stdout.write(JSON.stringify(result)));
