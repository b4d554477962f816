import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../services/core/errors';
import { PRIVATE_DIR_MODE } from '../../services/core/private-files';
import { readSnapshot, removeAbsent, restoreSnapshot, takeSnapshot, writeSnapshotFile, type Snapshot } from '../../services/store/snapshot';
import { migrate } from '../../services/migrations/migrations';
import { inBackground } from '../../services/store/request-priority';
import { OPERATOR } from '../../services/access/policy';
import { auditCommand, cliLogger, fileArg, print, type Command } from '../../services/kernel/cli-command';

async function latestBackup(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => /^backup-.*\.json$/.test(f)).sort();
  if (files.length === 0) throw new AppError('NOT_FOUND', `There is no backup-*.json in ${dir}.`);
  return path.join(dir, files[files.length - 1]!);
}

const counts = (snapshot: Snapshot) =>
  Object.entries(snapshot.containers)
    .map(([name, docs]) => `${name} ${docs.length}`)
    .join(', ');

export const BACKUP_COMMANDS: Record<string, Command> = {
  backup: {
    usage: 'backup <dir>   (every document of every container, to <dir>/backup-<time>.json)',
    async run(ctx) {
      const dir = fileArg(ctx, 'backup folder');
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const snapshot = await takeSnapshot(ctx.store, ctx.config.COSMOS_DATABASE);
      const file = path.join(dir, `backup-${snapshot.takenAt.replace(/[:.]/g, '-')}.json`);
      await writeSnapshotFile(file, snapshot);
      // A backup holds every organisation's data; each organisation's record says it was taken.
      for (const orgId of new Set(Object.values(snapshot.containers).flatMap((docs) => docs.map((d) => d.orgId)))) {
        auditCommand({ ...ctx, options: { ...ctx.options, org: orgId } }, OPERATOR, { kind: 'backup', id: path.basename(file) }, { action: 'backup' });
      }
      print(`Backed up to ${file}: ${counts(snapshot)}`);
    },
  },
  restore: {
    usage: 'restore <backup.json|dir> [--replace]   (--replace first deletes documents the backup does not have, except audit entries)',
    options: { replace: { type: 'boolean' } },
    async run(ctx) {
      const target = fileArg(ctx, 'backup');
      const file = (await stat(target)).isDirectory() ? await latestBackup(target) : target;
      const snapshot = await readSnapshot(file);
      if (!snapshot) throw new AppError('NOT_FOUND', `${file} does not exist.`);
      const removed = ctx.options.replace ? await inBackground(() => removeAbsent(ctx.store, snapshot)) : 0;
      await restoreSnapshot(ctx.store, snapshot);
      // A backup from an older version keeps data where that version kept it.
      await migrate(ctx.store, cliLogger(ctx.config));
      for (const orgId of new Set(Object.values(snapshot.containers).flatMap((docs) => docs.map((d) => d.orgId)))) {
        auditCommand(
          { ...ctx, options: { ...ctx.options, org: orgId } },
          OPERATOR,
          { kind: 'restore', id: path.basename(file) },
          { action: 'change', detail: ctx.options.replace ? 'restored with --replace' : 'restored' },
        );
      }
      print(
        `Restored ${file} (taken ${snapshot.takenAt}): ${counts(snapshot)}${ctx.options.replace ? `; removed ${removed} documents not in the backup` : ''}`,
      );
    },
  },
};
