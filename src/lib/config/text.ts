/**
 * Bytes of a JSON file the tool reads (flow and theme files, saved plans, backup files) turned
 * into text, or the reason they are not UTF-8 text, with the rules the configuration loader
 * applies (source.ts). No dependencies, so reading these files never loads the YAML parser.
 */
/** `10 MB` for whole megabytes, else the bytes. */
export function formatSize(bytes: number): string {
  const megabytes = bytes / 1024 / 1024
  return Number.isInteger(megabytes) ? `${megabytes} MB` : `${bytes} bytes`
}

/** 1-based line of a byte offset in a buffer. */
function lineOfByte(buffer: Buffer, offset: number): number {
  let line = 1
  for (let index = 0; index < offset; index++) if (buffer[index] === 0x0A) line++
  return line
}

/** Why bytes are not a UTF-8 text file: a message, a hint and the line where it shows. */
export interface TextProblem {
  reason: 'binary' | 'utf16' | 'utf8'
  message: string
  hint?: string
  line?: number
}

/**
 * Turns the raw bytes of a text file into text without its BOM, or says why they are not UTF-8
 * text (UTF-16, NUL bytes of a binary file, invalid UTF-8).
 */
export function decodeText(buffer: Buffer): {problem: TextProblem} | {text: string} {
  if ((buffer[0] === 0xFF && buffer[1] === 0xFE) || (buffer[0] === 0xFE && buffer[1] === 0xFF)) {
    return {
      problem: {
        hint: 'save it as UTF-8', line: 1, message: 'the file is encoded as UTF-16', reason: 'utf16',
      },
    }
  }

  const nul = buffer.indexOf(0)
  if (nul !== -1) {
    return {
      problem: {
        hint: 'check the path', line: lineOfByte(buffer, nul), message: 'the file contains NUL bytes: it looks like a binary file, not a text file', reason: 'binary',
      },
    }
  }

  let text: string
  try {
    text = new TextDecoder('utf8', {fatal: true}).decode(buffer)
  } catch {
    const lossy = new TextDecoder('utf8').decode(buffer)
    const line = lossy.slice(0, lossy.indexOf('\uFFFD')).split('\n').length
    return {
      problem: {
        hint: 'save it as UTF-8', line, message: 'the file is not valid UTF-8', reason: 'utf8',
      },
    }
  }

  return {text: text.startsWith('\uFEFF') ? text.slice(1) : text}
}
