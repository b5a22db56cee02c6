// Calendly webhooks as code: the program is infra/stack.ts. Its outputs, declared once
// (`StackOutputs`), are this module's exports, and so the stack outputs.
import { defineStack } from "./infra/stack";

export = defineStack().outputs;
