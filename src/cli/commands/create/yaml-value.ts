/** YamlValue is the plain data `create … --export` prints (what JSON can hold), through engines/goyaml. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };
