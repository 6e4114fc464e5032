export type * from "./types";
export { MemoryStore, MemoryCollection } from "./memory";
export { JsonFileStore, readStateIdentity } from "./jsonFile";
