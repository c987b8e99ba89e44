/* Sign-in page: "Keep me signed in" goes along with the single sign-on buttons too. */
(() => {
  const remember = document.getElementById("remember");
  document.querySelectorAll("a[data-sso]").forEach((link) => {
    link.addEventListener("click", () => {
      const url = new URL(link.href);
      if (remember && remember.checked) url.searchParams.set("remember", "1");
      else url.searchParams.delete("remember");
      link.href = url.toString();
    });
  });
})();
