// Calendly webhook subscriptions as code: create, refresh, replace without a gap, import and delete them through Calendly's API, with their signing keys kept secret.
package calendly
