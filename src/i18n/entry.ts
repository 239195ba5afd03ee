// One message of the catalogue in both languages (a file of its own, so the area files and the
// index that merges them do not import each other).
export interface Entry {
  readonly en: string;
  readonly ja: string;
}
