/**
 * One WebhookSubscription through the calendly provider's generated SDK, from stack config:
 *
 *   native-nodejs:receiverUrl  the receiver's URL, marked with the schema's markedUrl function
 *   native-nodejs:events       the events (a JSON list)
 *   native-nodejs:signingKey   secret
 *   calendly:token / calendly:apiUrl, as for any stack
 */
import * as calendly from "@calendly-webhooks-pulumi/calendly";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const events = config.requireObject<string[]>("events");
const url = calendly.markedUrlOutput({
  url: config.require("receiverUrl"),
  name: "bookings",
  events,
  scope: calendly.Scope.User,
}).url;

const bookings = new calendly.WebhookSubscription("bookings", {
  url,
  events,
  scope: calendly.Scope.User,
  signingKey: config.requireSecret("signingKey"),
});

export const uri = bookings.uri;
export const state = bookings.state;
export const callbackUrl = bookings.callbackUrl;
export const signingKey = bookings.signingKey;
