/**
 * Small line icons drawn inline: glyphs such as ⧉ or 🗑 need an emoji or symbol font that many
 * systems (and headless Chromium) lack, and then show as empty boxes. Always aria-hidden: the
 * button around an icon carries the accessible name.
 */
const PATHS = {
  copy: 'M9 9h10v10H9z M5 15V5h10',
  trash: 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13 M10 11v6 M14 11v6',
  folder: 'M3 6h6l2 2h10v11H3z',
  folderPlus: 'M3 6h6l2 2h10v11H3z M12 11v6 M9 14h6',
  pencil: 'M4 20l1-5L16 4l4 4L9 19z M14 6l4 4',
  up: 'M12 19V5 M6 11l6-6 6 6',
  down: 'M12 5v14 M6 13l6 6 6-6',
  play: 'M7 5l12 7-12 7z',
  move: 'M3 6h6l2 2h10v11H3z M9 13.5h7 M13 10.5l3 3-3 3',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon-svg" viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
