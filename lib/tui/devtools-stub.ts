// Stands in for react-devtools-core in the bundle: Ink loads it only when DEV=true, which a host never sets.
const devtools = {
  initialize(): void {},
  connectToDevTools(): void {},
};
export default devtools;
