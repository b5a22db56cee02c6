/**
 * What Pulumi serializes into every WebhookSubscription's `__provider`, and stores in its state.
 *
 * Each method `require`s the installed package when it is called and hands its arguments to the
 * function of the same name there (index.ts), which delegates to the one provider of the process.
 * Pulumi's closure serializer never captures `require` (a Node module global), so the text it
 * writes is these seven arrow functions and nothing else: about 2 KB, whatever the provider's code
 * grows to. The dynamic-provider host runs that text with `require-from-string` in the project
 * folder, so `require` finds the package in the program's own node_modules: every operation, on
 * every subscription, old or new, runs the code that is installed.
 *
 * The text must never change: a state whose `__provider` differs from what the program serializes
 * is updated in place once, only to store the new text (diff.ts). So this file's functions are
 * pinned byte for byte by test/providers/shim.test.ts; arguments pass through with `...a`, so a
 * future host that passes more of them needs no new shim.
 */
import type * as pulumi from "@pulumi/pulumi";

export const webhookSubscriptionShim: pulumi.dynamic.ResourceProvider = {
  configure: (...a) => require("pulumi-calendly/provider").configure(...a),
  check: (...a) => require("pulumi-calendly/provider").check(...a),
  diff: (...a) => require("pulumi-calendly/provider").diff(...a),
  create: (...a) => require("pulumi-calendly/provider").create(...a),
  read: (...a) => require("pulumi-calendly/provider").read(...a),
  update: (...a) => require("pulumi-calendly/provider").update(...a),
  delete: (...a) => require("pulumi-calendly/provider").delete(...a),
};
