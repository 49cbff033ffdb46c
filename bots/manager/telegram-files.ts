import { Api } from 'grammy';
import type { Attachment } from '../../src/domain/message';
import type { FileStore } from '../../src/domain/ports';
import type { StaffFile } from './context';
import { BOT_API_TIMEOUT_SECONDS } from './manager-bot';

/**
 * Files staff send the bot, fetched from Telegram: an import's table, a file for a client. Its own
 * Bot API client on the bot's token, so it is made before (and apart from) the bot that uses it.
 */
export class TelegramFiles {
  private readonly api: Api;

  constructor(
    private readonly deps: {
      token: string;
      apiRoot: string;
      /** Where a file meant for a client is kept, so any channel can fetch it. */
      files: FileStore;
    },
  ) {
    this.api = new Api(deps.token, {
      apiRoot: deps.apiRoot,
      timeoutSeconds: BOT_API_TIMEOUT_SECONDS,
    });
  }

  /** The bytes of a file a staff member sent the bot: getFile, then the file's address. Bound. */
  readonly download = async (fileId: string): Promise<Buffer> => {
    const { file_path: filePath } = await this.api.getFile(fileId);
    if (!filePath) throw new Error('Telegram gave no path for the file');
    const response = await fetch(`${this.deps.apiRoot}/file/bot${this.deps.token}/${filePath}`);
    if (!response.ok) throw new Error(`file download answered ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  };

  /** Downloads a file a staff member sent the bot and keeps it in the hub's store. Bound. */
  readonly keep = async (file: StaffFile): Promise<Attachment> => {
    const data = await this.download(file.fileId);
    const mimeType = file.mimeType ?? 'application/octet-stream';
    const stored = await this.deps.files.put({ name: file.name, mimeType, data });
    return { kind: file.kind, fileRef: stored.id, name: file.name, mimeType, size: stored.size };
  };
}
