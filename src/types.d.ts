declare module '*.eta' {
  const text: string;
  export default text;
}
declare module '*.http' {
  const text: string;
  export default text;
}
declare module '*.lua' {
  const text: string;
  export default text;
}
