// `pulumi up` entry point: see program.ts. Try
//   pulumi config set tunnel:tokenRotation 2026-q4     (the connector token is rotated in place)
//   pulumi config set tunnel:displayName "wiki"        (the tunnel is replaced)
//   pulumi config set tunnel:caCertificateFile ca.pem  (your server's CA; the sample one by default)
import { optionsFromConfig, tunnelStack } from "./program";

export = tunnelStack(optionsFromConfig());
