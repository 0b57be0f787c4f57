// Monaco, loaded on demand (it is most of the page's weight, and the terminal should not
// wait for it): the editor core, C highlighting, and our IR and AT&T grammars. Only the
// editor's own worker is needed; no language services.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/cpp/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { ASM_LANGUAGE, IR_LANGUAGE, WASM_LANGUAGE, asmGrammar, irGrammar, wasmGrammar } from './syntax.ts';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

monaco.languages.register({ id: IR_LANGUAGE });
monaco.languages.setMonarchTokensProvider(IR_LANGUAGE, irGrammar);
monaco.languages.register({ id: ASM_LANGUAGE });
monaco.languages.setMonarchTokensProvider(ASM_LANGUAGE, asmGrammar);
monaco.languages.register({ id: WASM_LANGUAGE });
monaco.languages.setMonarchTokensProvider(WASM_LANGUAGE, wasmGrammar);

monaco.editor.defineTheme('grindlab', {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'comment.imark', foreground: '6a9955', fontStyle: 'italic' },
    { token: 'comment.addr', foreground: '8a8f98' },
    { token: 'keyword.state', foreground: 'c586c0' },
    { token: 'string.symbol', foreground: 'dcdcaa' },
    { token: 'predefined', foreground: '4ec9b0' },
    { token: 'type', foreground: '569cd6' },
  ],
  colors: { 'editor.background': '#1b1d21' },
});

export type Monaco = typeof monaco;

/** A read-only editor for showing text, not editing it. */
export function readOnlyEditor(
  el: HTMLElement, language: string, options: monaco.editor.IStandaloneEditorConstructionOptions = {},
): monaco.editor.IStandaloneCodeEditor {
  return monaco.editor.create(el, {
    language, theme: 'grindlab', readOnly: true, domReadOnly: true, automaticLayout: true,
    minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 12, lineNumbersMinChars: 3,
    renderLineHighlight: 'none', folding: false, contextmenu: false, wordWrap: 'off',
    scrollbar: { verticalScrollbarSize: 8, horizontalScrollbarSize: 8 }, ...options,
  });
}

export { monaco };
