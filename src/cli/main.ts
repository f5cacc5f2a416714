// Command-line wiring only: commander parses, the command modules do the work.
import { Command, CommanderError, Option } from 'commander';
import { checkCommand, EXIT, type CheckFlags } from './check-command.ts';
import { compileCommand, type CompileFlags } from './compile-command.ts';
import { testCommand, type TestFlags } from './test-command.ts';
import { traceCommand, type TraceCommandFlags } from './trace-command.ts';
import { simulateCommand, type SimulateFlags } from './simulate-command.ts';
import { modelsCommand } from './models-command.ts';
import { OptionError } from './options.ts';
import { TRACE_FORMATS } from './trace-output.ts';
import { MEMORY_MODEL_NAMES } from '../memory/index.ts';
import { colorFor, VERSION } from './output.ts';
import { renderDiagnostics } from '../report/diagnostics.ts';
import { closePools } from '../explore/parallel.ts';
import { ModelError } from '../explore/errors.ts';
import { diag } from '../parse/diagnostic.ts';
import { THREADS_FROM } from './request.ts';

const collect = (value: string, previous: string[]) => [...previous, value];
const WORKERS_HELP = `threads that search, the main one included (default: one, then all cores once a search has run ${THREADS_FROM.ms / 1000} s and found ${THREADS_FROM.states.toLocaleString('en-US')} states)`;

/** What every command that explores a model takes: constants, properties, trace output. */
function explorationOptions(cmd: Command): Command {
  return cmd
    .option('--const <NAME=VALUE>', 'override a constant (repeatable)', collect, [])
    .option('--no-deadlock', 'do not report deadlocks')
    .option('--invariant <NAME>', 'check only this invariant (repeatable)', collect, [])
    .addOption(new Option('--trace <format>', 'counterexample format (default: table on a terminal, else text)').choices(TRACE_FORMATS))
    .option('--trace-out <FILE>', 'write the counterexample to FILE')
    .option('--force', 'allow --trace-out to overwrite an existing file')
    .option('--json', 'print one JSON summary on stdout (a counterexample goes to stderr, or to --trace-out)')
    .option('--quiet', 'print only the verdict line: no progress, no numbers, no counterexample');
}

/** --memory and --store-buffer, for every command that builds a model. */
function memoryOptions(cmd: Command, litmus = false): Command {
  const help = 'memory model: sc (sequential consistency), tso (x86-TSO store buffers) or arm (Armv8)';
  return cmd
    .addOption(
      new Option('--memory <model>', litmus ? `${help}; all: each in turn, for a .litmus test` : help)
        .choices(litmus ? [...MEMORY_MODEL_NAMES, 'all'] : MEMORY_MODEL_NAMES)
        .default('sc'),
    )
    .option('--store-buffer <K>', 'pending stores per process under --memory tso or arm, and older messages per location under arm (default 2)');
}

function colorOptions(cmd: Command): Command {
  return cmd.option('--color', 'force colour').option('--no-color', 'no colour (NO_COLOR is honoured too)');
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.pass;
  const program = new Command('mmucheck')
    .description('Exhaustive model checker for the concurrency protocols of memory-management code')
    .version(VERSION)
    .exitOverride()
    // Every error has one form, `mmucheck: error: ...`, whether commander or mmucheck found it.
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`mmucheck: ${s.replace(/^error:/, colorFor(process.stderr, undefined).red.bold('error:'))}`),
    })
    .showHelpAfterError('(run mmucheck help for usage)');

  const check = program
    .command('check')
    .description('explore every reachable state; report the verdict, the numbers and the shortest counterexample')
    .argument('<model>', "the .mmu model file, or a bundled model's name (see mmucheck models)")
    .option('--workers <N>', WORKERS_HELP)
    .option('--exact', 'store whole states instead of 64-bit fingerprints (no collisions, more memory, 1 worker)')
    .option('--max-states <N>', 'stop after N distinct states (exit 3)')
    .option('--max-depth <N>', 'do not explore beyond depth N (exit 3 if states lie deeper)')
    .option('--time-limit <SECONDS>', 'stop after this many seconds (exit 3)')
    .option('--memory-limit <SIZE>', 'stop when the process uses more memory, e.g. 8G (exit 3)')
    .option('--property <NAME>', 'check only this temporal property (repeatable)', collect, [])
    .option('--no-liveness', 'do not check temporal properties (eventually, ~>)')
    .option('--no-symmetry', 'explore every state, not one per orbit of the symmetric types');
  colorOptions(memoryOptions(explorationOptions(check), true)).action(async (model: string, flags: CheckFlags) => {
    code = await checkCommand(model, flags);
  });

  const test = program
    .command('test')
    .description('run every check of the specs (default: specs/) and compare each with its expectation')
    .argument('[specs...]', 'spec files or folders of them')
    .option('--workers <N>', WORKERS_HELP)
    .option('--junit <FILE>', 'also write JUnit XML for CI systems')
    .option('--json', 'print one JSON report on stdout (the per-check lines go to stderr)')
    .option('--trace-dir <DIR>', 'write one counterexample page (html) per failing check into DIR')
    .option('--force', 'allow --junit to overwrite an existing file, and --trace-dir to write into a non-empty folder');
  colorOptions(test).action(async (specs: string[], flags: TestFlags) => {
    code = await testCommand(specs, flags);
  });

  const simulate = program
    .command('simulate')
    .description('random walks that check the same properties, for models too large to exhaust')
    .argument('<model>', "the .mmu model file, or a bundled model's name (see mmucheck models)")
    .option('--steps <N>', 'longest walk (default 1000)')
    .option('--seed <S>', 'seed of the walks; the same seed gives the same walks (default: a random seed, printed)')
    .option('--runs <R>', 'number of walks (default: as many as fit in the time limit)')
    .option('--time-limit <SECONDS>', 'stop starting walks after this many seconds (default 10 without --runs)');
  colorOptions(memoryOptions(explorationOptions(simulate))).action(async (model: string, flags: SimulateFlags) => {
    code = await simulateCommand(model, flags);
  });

  const trace = program
    .command('trace')
    .description('replay a saved counterexample (json or msgpack) against its model and print it')
    .argument('<file>', 'a trace written with --trace json or --trace msgpack')
    .addOption(
      new Option('--format <format>', 'output format (default: table on a terminal, else text; html: a self-contained page)').choices([
        'table',
        'text',
        'json',
        'itf',
        'html',
      ]),
    )
    .option('--model <path>', 'the model file, if not where the trace says');
  colorOptions(trace).action((file: string, flags: TraceCommandFlags) => {
    code = traceCommand(file, flags);
  });

  const models = program.command('models').description('list the bundled models with their descriptions, constants and variants').option('--json', 'as JSON');
  colorOptions(models).action((flags: { json?: boolean; color?: boolean }) => {
    code = modelsCommand(flags);
  });

  const compile = program
    .command('compile')
    .description('show what a model compiles to: the automata (ir, dot) or the generated code (js)')
    .argument('<model>', "the .mmu model file, or a bundled model's name (see mmucheck models)")
    .addOption(new Option('--emit <what>', 'the automata (ir), the generated code (js) or Graphviz (dot)').choices(['ir', 'js', 'dot']).default('ir'))
    .option('--const <NAME=VALUE>', 'override a constant (repeatable)', collect, []);
  colorOptions(memoryOptions(compile)).action((model: string, flags: CompileFlags) => {
    code = compileCommand(model, flags);
  });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    await closePools();
    if (e instanceof CommanderError) {
      // `mmucheck` alone prints the usage to stderr (commander's exit code 1): a usage error, exit 2.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0)) return EXIT.pass;
      return EXIT.input;
    }
    if (e instanceof OptionError) {
      process.stderr.write(renderDiagnostics([e.diagnostic], colorFor(process.stderr, undefined)) + '\n');
      return EXIT.input;
    }
    // The last line of defence: never a stack trace (MMUCHECK_DEBUG=1 shows it). A problem of
    // the model's found while running it is the user's to fix (2); anything else is ours (70).
    const errColor = colorFor(process.stderr, undefined);
    if (process.env.MMUCHECK_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    if (e instanceof ModelError) {
      process.stderr.write(renderDiagnostics([diag('model', e.message)], errColor) + '\n');
      return EXIT.input;
    }
    process.stderr.write(`mmucheck: ${errColor.red.bold('internal error:')} ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.internal;
  }
  await closePools();
  return code;
}
