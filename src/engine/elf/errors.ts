/**
 * The only error `parseElf` throws: the input is not an ELF file grindlab can
 * load, with a one-line reason fit to show a user.
 */
export class ElfError extends Error {
  override readonly name = 'ElfError';
}
