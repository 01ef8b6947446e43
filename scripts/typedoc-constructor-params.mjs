// A typedoc plugin for this repository's TSDoc convention: a class documents
// its constructor's parameters with `@param` on the class comment (what an
// editor shows at `new X(…)`'s class), not on the constructor. typedoc keeps
// such tags in the class summary as "Param:" lines and leaves the
// constructor's parameters bare; this moves each one onto the parameter it
// names. A constructor parameter described nowhere (neither there nor in a
// constructor comment) is a warning, which typedoc.json makes an error.
import { Comment, Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const cls of context.project.getReflectionsByKind(ReflectionKind.Class)) {
      const ctor = cls.children?.find((child) => child.kindOf(ReflectionKind.Constructor));
      const tags = cls.comment?.blockTags.filter((tag) => tag.tag === '@param') ?? [];
      // An inherited constructor (FramingError's is Error's) is described where it is declared.
      if (ctor === undefined || ctor.inheritedFrom !== undefined) continue;
      for (const signature of ctor.signatures ?? []) {
        const own = signature.comment?.blockTags.filter((tag) => tag.tag === '@param') ?? [];
        for (const parameter of signature.parameters ?? []) {
          if (parameter.comment?.summary.length || own.some((t) => t.name === parameter.name)) continue;
          const tag = tags.find((t) => t.name === parameter.name);
          if (tag !== undefined) parameter.comment = new Comment(Comment.cloneDisplayParts(tag.content));
          else app.logger.warn(`${cls.getFriendlyFullName()}: constructor parameter ${parameter.name} is not described (@param on the class or the constructor)`);
        }
      }
      if (cls.comment !== undefined && tags.length > 0) {
        cls.comment.blockTags = cls.comment.blockTags.filter((tag) => tag.tag !== '@param');
      }
    }
  });
}
