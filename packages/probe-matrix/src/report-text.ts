// Text as report.html writes it: escaped, with the findings' light Markdown.
export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The findings' light Markdown: **bold** and `code`. */
export const inline = (text: string) =>
  escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`(.+?)`/g, '<code>$1</code>');

export const mark = (pass: boolean) => (pass ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>');
