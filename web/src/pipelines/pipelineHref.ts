// The path of a pipeline's page.
export const pipelineHref = (name: string): string => `/pipelines/${encodeURIComponent(name)}`;
