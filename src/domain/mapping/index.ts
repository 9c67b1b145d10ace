/** The attribute-mapping engine: Concur field mappings compiled once, applied per source entry. */
export { compileMapping, type CompileMappingOptions } from './compile-mapping';
export { CompiledMapping, type MapResult, type ResolvedField } from './compiled-mapping';
export { MappingConfigError, type MappingIssue } from './mapping-config-error';
export { MASK, type FieldPreview, type MappingPreview } from './mapping-preview';
export { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from './field-expression';
export type { FieldIssue } from '../concur-validation';
