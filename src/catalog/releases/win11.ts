// Windows 11 (22000 on): no recording here. Its system DLLs come from the same code base as Server
// 2022's (the "Iron"/"Cobalt" generation, WoW64 with wow64base and wow64con), so it takes Server
// 2022's catalog unchanged until a recording says otherwise (docs/profiles.md).
import type { ReleaseDefinition } from '../release-types.js';

export const WIN11: ReleaseDefinition = {
  id: 'win11',
  name: 'Windows 11',
  firstBuild: 22000,
  lastBuild: Number.MAX_SAFE_INTEGER,
  fileVersion: '10.0.22621.2506 (WinBuild.160101.0800)',
  base: 'ws2022',
  evidence: 'no recording: Server 2022\'s catalog (the nearest release with evidence)',
};
