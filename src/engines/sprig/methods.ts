import { goFunc, type GoFunc, type GoType, type GoValue } from '../gotemplate/index.ts';

/** method defines a Go method for a type's method set: `impl` receives the receiver first, then the arguments. */
export function method(
  params: GoType[],
  impl: (recv: GoValue, ...args: never[]) => GoValue,
  result: { type?: GoType; error?: boolean } = {},
): GoFunc {
  return goFunc(params as [], impl as () => GoValue, result);
}
