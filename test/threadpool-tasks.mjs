// An ES module a ThreadPool test runs by export name.
export function square(x) {
  return x * x;
}
export async function later(x) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return `later ${x}`;
}
