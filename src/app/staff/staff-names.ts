import type { Directory } from '../process/ports';

/** Staff members' display names by id, for what the bot shows (the routing audit, say). */
export class StaffNames {
  constructor(private readonly directory: Pick<Directory, 'getUser'>) {}

  /** Nobody by that id (a person since removed): undefined, and the reader shows a dash. Bound. */
  readonly nameOf = async (userId: string): Promise<string | undefined> =>
    (await this.directory.getUser(userId))?.name;
}
