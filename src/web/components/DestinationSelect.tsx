import type { Collection } from '../../scripting/model.ts';
import { type Destination, destinationKey, destinationOptions } from '../state/tree.ts';

/** A collection or folder to put something in, listed with its path ("API / Auth / Tokens"). */
export function DestinationSelect({
  label,
  collections,
  value,
  onChange,
  placeholder,
  exclude,
}: {
  label: string;
  collections: Collection[];
  value?: Destination;
  onChange: (destination: Destination) => void;
  /** A first option that chooses nothing, e.g. "Move to …". */
  placeholder?: string;
  /** Destinations that make no sense here (a folder cannot go into itself). */
  exclude?: (destination: Destination) => boolean;
}) {
  const options = destinationOptions(collections).filter((d) => !exclude?.(d));
  return (
    <select
      aria-label={label}
      value={value ? destinationKey(value) : ''}
      onChange={(e) => {
        const chosen = options.find((d) => destinationKey(d) === e.target.value);
        if (chosen) onChange({ collectionId: chosen.collectionId, folderId: chosen.folderId });
      }}
    >
      {(placeholder !== undefined || !value) && <option value="">{placeholder ?? ''}</option>}
      {options.map((d) => (
        <option key={destinationKey(d)} value={destinationKey(d)}>
          {d.label}
        </option>
      ))}
    </select>
  );
}
