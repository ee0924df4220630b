// Entry point for `pulumi up` in the repository root (see Pulumi.yaml).
import { quickstart } from "./program";

export = quickstart();
