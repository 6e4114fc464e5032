export { createIdentityService, DEFAULT_TEST_OBJECT_ID } from "./identityService";
export { ARM_AUDIENCES } from "./armErrors";
export { ROLE_DEFINITIONS } from "./roles";
export { defaultObjectId } from "./principals";
export type {
  AuthFailure,
  IdentityService,
  IdentityServiceOptions,
  IdentityStats,
  IssueTokenOptions,
  Principal,
  PrincipalSeed,
  RoleAssignment,
} from "./types";
