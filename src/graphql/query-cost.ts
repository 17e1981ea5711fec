import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';

export interface CostModel {
  /** Arguments that say how many items a field returns. */
  listSizeArguments: readonly string[];
  /** `Type.field` → own cost. */
  fieldWeights: Readonly<Record<string, number>>;
  /** Scalar name → own cost of a field of that type. */
  scalarWeights: Readonly<Record<string, number>>;
}

/**
 * The cost of one operation with the request's variables: each field's own cost, plus, for a
 * field with a selection, the selection's cost times the number of items it asks for. Each
 * fragment is costed once and its cost reused, so the estimate takes time linear in the
 * document's size even when fragments spread each other many times over (a "fragment bomb",
 * whose cost is then correctly astronomical). Works on documents not validated yet: what it
 * cannot resolve costs 1. Introspection fields cost nothing.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  model: CostModel,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue)
      variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const costs = new Map<string, number>();

  const numberFrom = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      const given = variables[name];
      if (typeof given === 'number') return given;
      if (given === undefined) return numberFrom(variableDefaults.get(name));
    }
    return undefined;
  };

  const listSize = (node: FieldNode, field: GraphQLField<unknown, unknown> | undefined): number => {
    for (const name of model.listSizeArguments) {
      const argument = node.arguments?.find((a) => a.name.value === name);
      const fallback = field?.args.find((a) => a.name === name)?.defaultValue;
      const size = argument
        ? numberFrom(argument.value)
        : typeof fallback === 'number'
          ? fallback
          : undefined;
      if (size !== undefined && Number.isFinite(size) && size >= 0) return size;
    }
    return 1;
  };

  const ownCost = (
    parent: GraphQLNamedType | undefined,
    field: GraphQLField<unknown, unknown> | undefined,
  ) => {
    if (!parent || !field) return 1;
    const declared = field.extensions?.complexity;
    if (typeof declared === 'number') return declared;
    return (
      model.fieldWeights[`${parent.name}.${field.name}`] ??
      model.scalarWeights[getNamedType(field.type).name] ??
      1
    );
  };

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const field =
          parent && (isObjectType(parent) || isInterfaceType(parent))
            ? parent.getFields()[selection.name.value]
            : undefined;
        total += ownCost(parent, field);
        if (selection.selectionSet) {
          const type = field ? getNamedType(field.type) : undefined;
          total += listSize(selection, field) * selectionCost(selection.selectionSet, type);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += selectionCost(selection.selectionSet, type ?? undefined);
      } else {
        total += fragmentCost(selection.name.value);
      }
    }
    return total;
  };

  const fragmentCost = (name: string): number => {
    const known = costs.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment) return 0;
    costs.set(name, 0); // a cycle (refused by validation) adds nothing
    const cost = selectionCost(
      fragment.selectionSet,
      schema.getType(fragment.typeCondition.name.value) ?? undefined,
    );
    costs.set(name, cost);
    return cost;
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return selectionCost(operation.selectionSet, root ?? undefined);
}
