export type * from "./types";
export { MemoryStore, MemoryCollection } from "./memory";
export { JsonFileStore } from "./jsonFile";
