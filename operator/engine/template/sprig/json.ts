/** encoding/json Unmarshal into interface{}: every number is float64, objects are maps, arrays []interface{}. */
export function parseJsonToGoFloat(s: string): unknown {
  return JSON.parse(s) as unknown;
}
