/** The API's merchant-portal schemas, so forms validate exactly as the server will. */
export {
  createServiceInput,
  createWorkerInput,
  dishFields,
  disputeStatementInput,
  updateWorkerInput,
  MAX_TEMPLATE_WEEKS,
  reasonSchema,
  slotTemplateInput,
} from '@cgp/api/client';
