import json, sys
spec = json.load(open(sys.argv[1]))
# Endpoint the product calls -> (path, method)
CALLS = [
  ('/v1/checkout/sessions', 'post'), ('/v1/checkout/sessions/{session}', 'get'),
  ('/v1/checkout/sessions/{session}/expire', 'post'), ('/v1/payment_intents/{intent}', 'get'),
  ('/v1/refunds', 'post'), ('/v1/refunds', 'get'), ('/v1/refunds/{refund}', 'get'),
  ('/v1/accounts', 'post'), ('/v1/accounts/{account}', 'get'), ('/v1/account_links', 'post'),
  ('/v1/transfers', 'post'), ('/v1/transfers', 'get'), ('/v1/transfers/{transfer}', 'get'),
  ('/v1/balance', 'get'), ('/v1/events', 'get'),
  ('/v1/balance_transactions', 'get'), ('/v1/balance_transactions/{id}', 'get'),
  ('/v1/disputes/{dispute}', 'get'),
]
schemas = spec['components']['schemas']
def prune(node):
    """Expandable fields become ids only: the product never expands, and the closure stays small."""
    if isinstance(node, dict):
        if 'anyOf' in node and any(x.get('type') == 'string' for x in node['anyOf'] if isinstance(x, dict)) \
           and any('$ref' in x for x in node['anyOf'] if isinstance(x, dict)) and node.get('x-expansionResources'):
            out = {k: v for k, v in node.items() if k not in ('anyOf', 'x-expansionResources')}
            out['type'] = 'string'
            return out
        out = {k: prune(v) for k, v in node.items() if k not in ('description', 'x-stripeBypassValidation')}
        if out.get('nullable') and 'type' not in out:
            # OpenAPI 3.0 allows `nullable` beside `anyOf`; JSON Schema (Ajv) wants null spelled out.
            del out['nullable']
            out['anyOf'] = [*out.get('anyOf', []), {'enum': [None]}]
        if out.get('nullable') and 'enum' in out and None not in out['enum']:
            out['enum'] = [*out['enum'], None]  # Ajv reads a nullable enum as needing null listed
        return out
    if isinstance(node, list):
        return [prune(x) for x in node]
    return node
paths = {}
needed = set()
def refs(node):
    if isinstance(node, dict):
        if '$ref' in node: yield node['$ref'].split('/')[-1]
        for v in node.values(): yield from refs(v)
    elif isinstance(node, list):
        for v in node: yield from refs(v)
for path, method in CALLS:
    op = spec['paths'][path][method]
    ok = prune(op['responses']['200']['content']['application/json']['schema'])
    paths.setdefault(path, {})[method] = {'operationId': op['operationId'], 'responses': {'200': {'content': {'application/json': {'schema': ok}}}}}
    needed.update(refs(ok))
out = {}
queue = list(needed)
while queue:
    name = queue.pop()
    if name in out: continue
    out[name] = prune(schemas[name])
    queue.extend(r for r in refs(out[name]) if r not in out)
result = {'openapi': spec['openapi'], 'info': {**spec['info'], 'x-subset': 'responses of the endpoints the platform calls; expandable fields as ids; descriptions dropped'}, 'paths': paths, 'components': {'schemas': dict(sorted(out.items()))}}
json.dump(result, open(sys.argv[2], 'w'), indent=1, sort_keys=False)
print(len(out), 'schemas')
