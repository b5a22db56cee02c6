// Calendly webhooks as code: the program is infra/stack.ts; this file only exports its outputs.
import { defineStack } from "./infra/stack";

const stack = defineStack();

export const webhookUrl = stack.webhookUrl;
export const subscriptions = stack.subscriptions;
export const signingKeys = stack.signingKeys;
export const apiEndpoint = stack.apiEndpoint;
export const busName = stack.busName;
export const busArn = stack.busArn;
export const archiveName = stack.archiveName;
export const keyParameterName = stack.keyParameterName;
export const claimCheckBucketName = stack.claimCheckBucketName;
export const alarmTopicArn = stack.alarmTopicArn;
export const watchdogFunctionName = stack.watchdogFunctionName;
