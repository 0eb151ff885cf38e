/** A library resource as the Apple Music API returns it (the fields the sandbox fills). */
export interface LibraryResource {
  id: string;
  type: 'library-songs' | 'library-albums' | 'library-artists' | 'library-playlists';
  href: string;
  attributes: Record<string, unknown>;
}

/** The library collections the sandbox serves under `/v1/me/library/{kind}`. */
export type LibraryKind = 'songs' | 'albums' | 'artists' | 'playlists';

/** Every {@link LibraryKind}. */
export const LIBRARY_KINDS: readonly LibraryKind[] = ['songs', 'albums', 'artists', 'playlists'];

/** How many items each library collection holds. */
export type LibrarySize = Partial<Record<LibraryKind, number>>;

/** The default {@link LibrarySize}: enough songs for several pages of 100. */
export const DEFAULT_LIBRARY_SIZE: Readonly<Record<LibraryKind, number>> = {
  songs: 250,
  albums: 25,
  artists: 12,
  playlists: 6,
};

const MAX_ITEMS = 100_000;
const ARTIST = 'The Loopback Emulators';
const DATE_ADDED = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

/**
 * Checks a {@link LibrarySize} and fills in the defaults.
 *
 * @throws Error naming the collection whose count is not a whole number from 0 to 100,000.
 */
export function resolveLibrarySize(size: unknown): Record<LibraryKind, number> {
  if (size === undefined) return { ...DEFAULT_LIBRARY_SIZE };
  if (typeof size !== 'object' || size === null) {
    throw new Error(
      'library must be an object { songs?, albums?, artists?, playlists? } of counts.',
    );
  }
  const resolved = { ...DEFAULT_LIBRARY_SIZE };
  for (const [kind, count] of Object.entries(size)) {
    if (!LIBRARY_KINDS.includes(kind as LibraryKind)) {
      throw new Error(
        `library.${kind} is not a collection the sandbox serves (${LIBRARY_KINDS.join(', ')}).`,
      );
    }
    if (!Number.isSafeInteger(count) || count < 0 || count > MAX_ITEMS) {
      throw new Error(`library.${kind} must be a whole number from 0 to ${MAX_ITEMS}.`);
    }
    resolved[kind as LibraryKind] = count;
  }
  return resolved;
}

/**
 * The items of one library collection, in a stable order: fictitious
 * resources in the shape of Apple's `library-*` types, with library ids
 * (`i.`, `l.`, `r.`, `p.` followed by 14 characters, as Apple's).
 */
export function libraryItems(kind: LibraryKind, count: number): LibraryResource[] {
  return Array.from({ length: count }, (_, index) => LIBRARY_ITEM[kind](index));
}

const LIBRARY_ITEM: Record<LibraryKind, (index: number) => LibraryResource> = {
  songs(index) {
    const id = libraryId('i', index);
    const album = Math.floor(index / 10);
    return {
      id,
      type: 'library-songs',
      href: `/v1/me/library/songs/${id}`,
      attributes: {
        albumName: `Loopback Album ${album + 1}`,
        artistName: ARTIST,
        artwork: artwork(),
        dateAdded: dateAdded(index),
        discNumber: 1,
        durationInMillis: 180_000 + (index % 7) * 11_000,
        genreNames: ['Electronic'],
        hasLyrics: false,
        name: `Loopback Song ${index + 1}`,
        playParams: { id, kind: 'song', isLibrary: true, reporting: true },
        trackNumber: (index % 10) + 1,
      },
    };
  },
  albums(index) {
    const id = libraryId('l', index);
    return {
      id,
      type: 'library-albums',
      href: `/v1/me/library/albums/${id}`,
      attributes: {
        artistName: ARTIST,
        artwork: artwork(),
        dateAdded: dateAdded(index),
        genreNames: ['Electronic'],
        name: `Loopback Album ${index + 1}`,
        playParams: { id, kind: 'album', isLibrary: true },
        releaseDate: '2024-05-17',
        trackCount: 10,
      },
    };
  },
  artists(index) {
    const id = libraryId('r', index);
    return {
      id,
      type: 'library-artists',
      href: `/v1/me/library/artists/${id}`,
      attributes: { name: index === 0 ? ARTIST : `Loopback Artist ${index + 1}` },
    };
  },
  playlists(index) {
    const id = libraryId('p', index);
    return {
      id,
      type: 'library-playlists',
      href: `/v1/me/library/playlists/${id}`,
      attributes: {
        artwork: artwork(),
        canEdit: true,
        dateAdded: dateAdded(index),
        hasCatalog: false,
        isPublic: false,
        name: `Loopback Playlist ${index + 1}`,
        playParams: { id, kind: 'playlist', isLibrary: true },
      },
    };
  },
};

/** `i.` + 14 characters, as Apple's library ids; distinct for each index. */
function libraryId(prefix: string, index: number): string {
  return `${prefix}.SBX${index.toString(36).toUpperCase().padStart(11, '0')}`;
}

function dateAdded(index: number): string {
  return new Date(DATE_ADDED + index * DAY_MS).toISOString().replace('.000Z', 'Z');
}

function artwork(): Record<string, unknown> {
  return {
    width: 1200,
    height: 1200,
    url: 'https://example.com/apple-music-sandbox/artwork/{w}x{h}bb.jpg',
  };
}
